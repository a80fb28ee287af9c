ipvsadm -A -f 10
ipvsadm -a -f 10 -r 10.20.0.1:90 -m
ipvsadm -a -f 10 -r 10.20.0.1:80 -m
ipvsadm -a -f 10 -r 10.20.0.1:8080 -m
ipvsadm -a -f 10 -r 10.20.0.0:65535 -m
ipvsadm -Ln
ipvsadm -Ln --nosort
