ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -m
ipvsadm -a -r 10.20.0.11
ipvsadm -d -t 10.10.0.1:80 -r 10.20.0.11 -w 3
ipvsadm -a -t 10.10.0.1:80 -r nohost.invalid
