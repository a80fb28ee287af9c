ipvsadm -A -t 10.10.0.100:80 -s rr
ipvsadm -a -t 10.10.0.100:80 -r 10.20.0.11:80 -m
ipvsadm-save -n
ipvsadm-save -x
