ipvsadm -A -f 5 -s rr
ipvsadm -a -f 5 -r 10.20.0.11
ipvsadm -Ln -f 5
