ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11:8080 -m -w 2
ipvsadm -e -t 10.10.0.1:80 -r 10.20.0.11:8080 -m -w 0
ipvsadm -Ln
ipvsadm -e -t 10.10.0.1:80 -r 10.20.0.11:8080 -g -w 7 -x 10 -y 5
ipvsadm -Ln
ipvsadm -Ln --thresholds
