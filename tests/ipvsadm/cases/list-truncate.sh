ipvsadm -A -t 10.10.0.100:80
ipvsadm -a -t 10.10.0.100:80 -r 100.200.100.200:65535 -m
ipvsadm -A -u 255.255.255.254:65535 -p
ipvsadm -Ln
ipvsadm -Ln --stats
