ipvsadm -A -t 10.10.0.100:80
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11 -i
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.12 -i --tun-type gue --tun-port 6080
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.13 -i --tun-type gre --tun-csum
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.15 -i --tun-type gue --tun-port 5555 --tun-remcsum
ipvsadm -Sn
