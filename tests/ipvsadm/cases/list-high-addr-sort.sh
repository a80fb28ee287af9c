ipvsadm -A -t 10.1.1.1:80
ipvsadm -A -t 200.1.1.1:80
ipvsadm -a -t 10.1.1.1:80 -r 200.0.0.1 -m
ipvsadm -a -t 10.1.1.1:80 -r 10.0.0.1 -m
ipvsadm -a -t 10.1.1.1:80 -r 130.0.0.1 -m
ipvsadm -a -t 10.1.1.1:80 -r 100.0.0.1 -m
ipvsadm -Ln
ipvsadm -Sn
