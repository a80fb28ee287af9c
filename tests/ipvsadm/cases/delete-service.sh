ipvsadm -A -t 10.10.0.1:80
ipvsadm -A -t 10.10.0.2:80
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11
ipvsadm -D -t 10.10.0.1:80
ipvsadm -Ln
ipvsadm -D -t 10.10.0.1:80
ipvsadm -D -f 1
ipvsadm -D -t 10.10.0.2:80 -s rr
