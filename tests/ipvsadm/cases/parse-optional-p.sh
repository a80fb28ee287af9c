ipvsadm -A -t 10.10.0.1:80 -s rr -p
ipvsadm -A -t 10.10.0.2:80 -p -1
ipvsadm -A -t 10.10.0.3:80 -p 10 -p 20
ipvsadm -A -t 10.10.0.4:80 -p=30
ipvsadm -A -t 10.10.0.5:80 --persistent= -s rr
ipvsadm -A -t 10.10.0.6:80 -s -p
ipvsadm -Ln
