ipvsadm -A -f 10
ipvsadm -a -f 10 -r 10.20.0.1:8080 -g
ipvsadm -a -f 10 -r 10.20.0.2:8080 -i
ipvsadm -a -f 10 -r 10.20.0.3 -m
ipvsadm -e -f 10 -r 10.20.0.3:0 -m -w 9
ipvsadm -Ln
