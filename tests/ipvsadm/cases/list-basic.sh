ipvsadm -A -t 10.10.0.100:80 -s rr
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11:80 -m
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.12:80 -m -w 3
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.13 -g
ipvsadm -Ln
