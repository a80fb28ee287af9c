ipvsadm --set 100 20 30
ipvsadm -L --timeout
ipvsadm --set 0 50 0
ipvsadm -L --timeout
ipvsadm --set 5 5
ipvsadm --set 1 2 3 4
ipvsadm --set 1 2 x
ipvsadm --set 2678401 1 1
ipvsadm --set 10 10 10 -n
ipvsadm -L --timeout
