ipvsadm -A -f 1 -6
ipvsadm -A -6 -f 2
ipvsadm -L -6
