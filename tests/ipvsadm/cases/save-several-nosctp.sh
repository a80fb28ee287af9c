ipvsadm -A -t 10.10.0.100:80 -s rr
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11:80 -m
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.12:80 -m -w 2
ipvsadm -A -u 10.10.0.100:53 -s wrr -p 120 -M 255.255.255.0
ipvsadm -a -u 10.10.0.100:53 -r 10.20.0.13 -g -w 0
ipvsadm -A -f 12 -s lc
ipvsadm -a -f 12 -r 10.20.0.14 -i
ipvsadm -S -n
ipvsadm --save --numeric
