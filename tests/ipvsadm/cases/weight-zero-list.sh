ipvsadm -A -t 10.10.0.1:80 -s wrr
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.11 -w 0
ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.12 -w 65535
ipvsadm -Ln --persistent-conn
