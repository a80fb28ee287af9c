ipvsadm -A -t 10.10.0.1:80 -s rr
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -m
ipvsadm -E -t 10.10.0.1:80 -s wrr -p 30
ipvsadm -Ln
ipvsadm -E -t 10.10.0.1:80
ipvsadm -Ln
