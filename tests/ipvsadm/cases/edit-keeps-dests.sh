ipvsadm -A -t 10.10.0.1:80 -s rr -p 100
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.1 -m -w 3
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.2 -m -w 4
ipvsadm -E -t 10.10.0.1:80 -s sh -b sh-port
ipvsadm -Ln
ipvsadm -Sn
