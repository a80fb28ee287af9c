ipvsadm -A -t 10.1:80
ipvsadm -A -t 0x0a000002:80
ipvsadm -A -t 10.10.0.3:+80
ipvsadm -A -t 10.10.0.4:' 81'
ipvsadm -A -t 10.10.0.5:0x50
ipvsadm -A -t 10.10.0.6:80:90
ipvsadm -A -t :80
ipvsadm -A -t 10.10.0.7:
ipvsadm -Ln
