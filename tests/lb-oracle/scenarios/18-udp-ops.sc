# UDP one-packet scheduling (-o): every datagram scheduled, no connection kept
adm -C
adm -A -u $VIP:$PORT -s rr -o
adm -a -u $VIP:$PORT -r $BE1:80 -m
adm -a -u $VIP:$PORT -r $BE2:80 -m
adm -a -u $VIP:$PORT -r $BE3:80 -m
udp 6
check
