ipvsadm -A -u 10.10.0.1:53 -o
ipvsadm -A -t 10.10.0.1:80 -o
ipvsadm -A -f 3 --ops
ipvsadm -Ln
ipvsadm -Sn
