ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11:8080 -g
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.12:8080 -i
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.13:8080 -m
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.14 -m
ipvsadm -Ln
