ipvsadm -A -t 10.10.0.100:80 -s rr
ipvsadm -A -t 10.10.0.101:80
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11 -w 2
ipvsadm -Ln -t 10.10.0.100:80
