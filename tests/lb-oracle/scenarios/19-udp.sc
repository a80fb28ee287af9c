# UDP without -o: a connection per source port
adm -C
adm -A -u $VIP:$PORT -s wrr
adm -a -u $VIP:$PORT -r $BE1:80 -m -w 1
adm -a -u $VIP:$PORT -r $BE2:80 -m -w 2
adm -a -u $VIP:$PORT -r $BE3:80 -m -w 3
udp 6
udp 2 10.10.0.21
check
