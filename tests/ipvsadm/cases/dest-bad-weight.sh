ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -w 65536
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -w -1
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -w abc
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -w 65535
ipvsadm -Ln
