ipvsadm -E -t 10.10.0.1:80 -s rr
ipvsadm -E -f 4
