ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -x -5
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -y x
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -x 5 -y 10
ipvsadm -Ln --thresholds
