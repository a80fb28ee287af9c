ipvsadm -A -t 10.10.0.1:80
ipvsadm -a -r 10.20.0.11 -m -t 10.10.0.1:80
ipvsadm -Ln
