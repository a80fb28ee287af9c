ipvsadm -A -t 10.10.0.1:80
ipvsadm -E -t 10.10.0.1:80 -s nosuch
ipvsadm -Ln
