ipvsadm -A -t 10.10.0.100:80 -p 600
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11 -w 4
ipvsadm -Ln --persistent-conn
