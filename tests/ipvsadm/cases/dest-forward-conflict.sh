ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -m -g
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -m --tun-type gue
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 --tun-csum
