ipvsadm -A -f 1 -6 -s rr
ipvsadm -A -f 1 -s rr
ipvsadm -Ln
ipvsadm -Sn
