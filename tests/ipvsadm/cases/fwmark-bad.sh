ipvsadm -A -f 0
ipvsadm -A -f 4294967296
ipvsadm -A -f -1
ipvsadm -A -f abc
ipvsadm -A -f ''
