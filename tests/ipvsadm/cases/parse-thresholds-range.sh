ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.1 -x 2147483647 -y 2147483647
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.2 -x 2147483648
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.3 -y 1
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.4 -w 2147483647
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.5 -w 2147483648
ipvsadm -Ln --thresholds
ipvsadm -Ln
