ipvsadm -A -t 127.0.0.1:80
ipvsadm -A -u 127.0.0.1:53
ipvsadm -a -t 127.0.0.1:80 -r 127.0.0.1:8080 -m
ipvsadm -a -u 127.0.0.1:53 -r 127.0.0.1:5353 -m
ipvsadm -L
ipvsadm -S
