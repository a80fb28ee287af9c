ipvsadm -A -u 10.10.0.100:53
ipvsadm -a -u 10.10.0.100:53 -r 10.20.0.11 -m
ipvsadm -Ln --rate
