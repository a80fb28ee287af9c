ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -m
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.12:81 -m
ipvsadm -d -t 10.10.0.1:80 -r 10.20.0.11
ipvsadm -d -t 10.10.0.1:80 -r 10.20.0.12
ipvsadm -d -t 10.10.0.1:80 -r 10.20.0.12:81
ipvsadm -Ln
