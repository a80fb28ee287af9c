ipvsadm -A -t 10.10.0.1:80
ipvsadm -A -f 1
ipvsadm -C
ipvsadm -Ln
ipvsadm --clear
ipvsadm -C -n
