ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.1 -i --tun-type gue --tun-port 6000
ipvsadm -e -t 10.10.0.1:80 -r 10.20.0.1 -i --tun-type gre --tun-csum
ipvsadm -Ln --tun-info
ipvsadm -e -t 10.10.0.1:80 -r 10.20.0.1 -m
ipvsadm -Ln --tun-info
ipvsadm -Sn
