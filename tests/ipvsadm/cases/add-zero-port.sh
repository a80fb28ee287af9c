ipvsadm -A -t 10.10.0.1:0
ipvsadm -A -t 10.10.0.1
ipvsadm -A -t 10.10.0.1 -p
ipvsadm -Ln
