ipvsadm -A -t 10.10.0.1:80
ipvsadm -S -c
ipvsadm -S -n -n
ipvsadm -S --stats
