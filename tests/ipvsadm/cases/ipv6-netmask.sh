ipvsadm -A -f 1 -6 -p -M 200
ipvsadm -A -f 1 -6 -p -M 0
ipvsadm -A -f 1 -M 64
