ipvsadm -A -t 10.10.0.1:80
ipvsadm -A -f 4
ipvsadm -Z -f 4
ipvsadm -Z -f 5
ipvsadm -Z -t 0.0.0.0:0
ipvsadm -Z -u 10.10.0.1:80
ipvsadm -Z -t 10.10.0.1:80 -s rr
