ipvsadm -A -t 10.10.0.100:80 -s nosuch
ipvsadm -Ln
