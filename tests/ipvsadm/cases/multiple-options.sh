ipvsadm -L -n -n
ipvsadm -Ln -t 10.10.0.1:80 -u 10.10.0.1:80
ipvsadm -A -t 10.10.0.1:80 -s rr -s wrr
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.1 -r 10.20.0.2
