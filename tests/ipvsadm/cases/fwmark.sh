ipvsadm -A -f 1
ipvsadm -A -f 4294967295 -s rr
ipvsadm -a -f 1 -r 10.20.0.11 -m
ipvsadm -a -f 1 -r 10.20.0.12:8080 -m
ipvsadm -Ln
ipvsadm -Sn
