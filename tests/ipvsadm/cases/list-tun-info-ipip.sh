ipvsadm -A -t 10.10.0.100:80
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11 -i
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.14 -m
ipvsadm -Ln --tun-info
