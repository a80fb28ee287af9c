ipvsadm -A -t 10.10.0.100:80
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11 -m -x 100 -y 50
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.12 -m
ipvsadm -Ln --thresholds
