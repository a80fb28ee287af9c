ipvsadm -A -t 10.10.0.1:80
ipvsadm -Z
ipvsadm -Z -t 10.10.0.1:80
ipvsadm -Z -t 10.10.0.2:80
ipvsadm -Z -f 9
ipvsadm --zero -n
