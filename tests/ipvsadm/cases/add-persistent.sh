ipvsadm -A -t 10.10.0.1:80 -p
ipvsadm -A -t 10.10.0.2:80 -p 60
ipvsadm -A -t 10.10.0.3:80 -p60 -M 255.255.255.0
ipvsadm -A -t 10.10.0.4:0 -p 100 --netmask 255.255.0.0
ipvsadm -A -t 10.10.0.5:80 --persistent=70 -s rr
ipvsadm -A -t 10.10.0.6:80 -p -s sh
ipvsadm -Ln
ipvsadm -Sn
