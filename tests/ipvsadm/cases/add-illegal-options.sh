ipvsadm -A -t 10.10.0.1:80 -r 10.20.0.1
ipvsadm -A -t 10.10.0.1:80 -w 2
ipvsadm -A -t 10.10.0.1:80 -m
ipvsadm -A -t 10.10.0.1:80 -n
ipvsadm -A -t 10.10.0.1:80 --stats
ipvsadm -A -s rr
ipvsadm -A
