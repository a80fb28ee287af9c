ipvsadm -A -t 10.10.0.1:80 -p -M 255.255.255.0
ipvsadm -A -t 10.10.0.2:80 -p -M 255.0.255.0
ipvsadm -A -t 10.10.0.3:80 -p -M 24
ipvsadm -A -t 10.10.0.4:80 -p -M localhost
ipvsadm -A -t 10.10.0.5:80 -p -M 0.0.0.0
ipvsadm -Ln
ipvsadm -Sn
