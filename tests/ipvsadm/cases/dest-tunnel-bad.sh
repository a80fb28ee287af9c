ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type gue
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type ipip --tun-port 5
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type gre --tun-csum --tun-nocsum
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type gre --tun-remcsum
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type vxlan
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type gue --tun-port 0
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -i --tun-type gue --tun-port 80 --tun-csum --tun-remcsum
