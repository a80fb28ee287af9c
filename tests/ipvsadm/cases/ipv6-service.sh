ipvsadm -A -t [fd00:10::100]:80 -s rr
ipvsadm -A -t fd00:10::100
ipvsadm -A -t [fd00:10::100]
ipvsadm -A -t [fd00:10::100]x80
