ipvsadm --set -1 0 0
ipvsadm --set 2678400 2678400 2678400
ipvsadm -L --timeout
ipvsadm --set ' 1' +2 03
ipvsadm -L --timeout
ipvsadm --set 1 2 3 -n
ipvsadm -n --set 1 2 3
