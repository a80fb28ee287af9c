ipvsadm -A -t 10.10.0.200:80
ipvsadm -A -u 10.10.0.100:53 -s rr
ipvsadm -A -t 10.10.0.100:443
ipvsadm -A -t 10.10.0.100:80
ipvsadm -A -f 7
ipvsadm -A -f 3 -s sh
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.13
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.2
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11
ipvsadm -Ln
